/** The broker URL a command uses, checked for shape before anything starts. */
import { brokerUrlProblem } from '../lab/broker-check';
import { defaultOptions } from '../scenarios/runner';
import { type ParsedArgs, UsageError } from './args';

/** The broker URL of the run: --rabbitmq-url, else $RABBITMQ_URL, else the default; a non-AMQP URL is a usage error. */
export function brokerUrlOf(args: ParsedArgs): string {
  const flag = args.flags['rabbitmq-url'];
  const url = typeof flag === 'string' ? flag : process.env.RABBITMQ_URL || defaultOptions().rabbitmqUrl;
  const problem = brokerUrlProblem(url);
  if (problem) throw new UsageError(`${typeof flag === 'string' ? '--rabbitmq-url' : 'RABBITMQ_URL'}: ${problem}`);
  return url;
}
