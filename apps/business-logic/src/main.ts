import { runService } from '@faultline/service-kit';
import { businessLogic } from './app';

void runService(businessLogic());
