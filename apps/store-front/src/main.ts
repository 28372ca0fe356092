import { runService } from '@faultline/service-kit';
import { storeFront } from './app';

void runService(storeFront());
