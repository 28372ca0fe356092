import { runService } from '@faultline/service-kit';
import { productService } from './app';

void runService(productService());
