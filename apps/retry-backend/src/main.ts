import { runService } from '@faultline/service-kit';
import { retryBackend } from './app';

void runService(retryBackend());
