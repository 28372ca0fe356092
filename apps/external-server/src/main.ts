import { runService } from '@faultline/service-kit';
import { externalServer } from './app';

void runService(externalServer());
