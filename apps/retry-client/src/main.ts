import { runService } from '@faultline/service-kit';
import { retryClient } from './app';

void runService(retryClient());
