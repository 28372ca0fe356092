/** Field-level validation of product bodies. */
import type { FieldProblem } from '@faultline/service-kit';
import type { NewProduct, Product } from './catalog';

const MAX_TEXT = 2_000;

function text(body: Record<string, unknown>, field: string, problems: FieldProblem[], required: boolean): string {
  const value = body[field];
  if (value === undefined && !required) return '';
  if (typeof value !== 'string') problems.push({ field, message: 'must be a string' });
  else if (required && !value.trim()) problems.push({ field, message: 'must not be empty' });
  else if (value.length > MAX_TEXT) problems.push({ field, message: `must be at most ${MAX_TEXT} characters` });
  else return value;
  return '';
}

export function parseNewProduct(body: unknown): { product?: NewProduct; problems: FieldProblem[] } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { problems: [{ field: 'body', message: 'must be a JSON object' }] };
  }
  const record = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const name = text(record, 'name', problems, true);
  const description = text(record, 'description', problems, false);
  const image = text(record, 'image', problems, false);
  const price = record.price;
  if (typeof price !== 'number' || !Number.isFinite(price) || price < 0 || price > 1_000_000) {
    problems.push({ field: 'price', message: 'must be a number from 0 to 1000000' });
  }
  if (problems.length) return { problems };
  return { product: { name: name.trim(), price: price as number, description, image }, problems };
}

export function parseProduct(body: unknown): { product?: Product; problems: FieldProblem[] } {
  const { product, problems } = parseNewProduct(body);
  const id = (body as Record<string, unknown> | null)?.id;
  const idProblem = !Number.isSafeInteger(id) || (id as number) < 1 ? [{ field: 'id', message: 'must be a positive integer' }] : [];
  if (!product || idProblem.length) return { problems: [...idProblem, ...problems] };
  return { product: { id: id as number, ...product }, problems };
}

export function parseId(raw: string): number | undefined {
  return /^\d{1,15}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined;
}
