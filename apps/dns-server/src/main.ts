import { runService } from '@faultline/service-kit';
import { dnsServer } from './app';

void runService(dnsServer());
