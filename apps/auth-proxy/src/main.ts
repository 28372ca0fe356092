import { runService } from '@faultline/service-kit';
import { authProxy } from './app';

void runService(authProxy());
