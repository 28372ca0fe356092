/** The external broker a command was pointed at, checked for shape before anything starts. */
import { brokerUrlProblem } from '../lab/broker-check';
import { type ParsedArgs, UsageError } from './args';

/** --rabbitmq-url, else $RABBITMQ_URL; undefined when neither is set (the lab starts its own). A non-AMQP URL is a usage error. */
export function externalBrokerUrl(args: ParsedArgs): string | undefined {
  const flag = args.flags['rabbitmq-url'];
  const url = typeof flag === 'string' ? flag : process.env.RABBITMQ_URL || undefined;
  if (url === undefined) return undefined;
  const problem = brokerUrlProblem(url);
  if (problem) throw new UsageError(`${typeof flag === 'string' ? '--rabbitmq-url' : 'RABBITMQ_URL'}: ${problem}`);
  return url;
}
