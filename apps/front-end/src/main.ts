import { runService } from '@faultline/service-kit';
import { frontEnd } from './app';

void runService(frontEnd());
