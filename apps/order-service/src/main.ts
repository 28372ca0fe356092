import { runService } from '@faultline/service-kit';
import { orderService } from './app';

void runService(orderService());
