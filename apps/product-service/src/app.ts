/** product-service: aks-store-demo's catalog routes on the service kit. */
import { HttpError, type ServiceDefinition, validationError } from '@faultline/service-kit';
import { Catalog } from './catalog';
import { parseId, parseNewProduct, parseProduct } from './validation';

const config = {} as const;

export function productService(catalog = new Catalog()): ServiceDefinition<typeof config> {
  return {
    name: 'product-service',
    defaultPort: 3002,
    config,
    routes(app) {
      const idOf = (raw: string) => {
        const id = parseId(raw);
        if (id === undefined) throw validationError([{ field: 'id', message: 'must be a positive integer' }]);
        return id;
      };
      const notFound = (id: number) => new HttpError(404, 'not_found', `product ${id} not found`);

      app.get('/', (_req, res) => {
        res.json(catalog.list());
      });
      app.get('/:id', (req, res) => {
        const id = idOf(req.params.id);
        const product = catalog.get(id);
        if (!product) throw notFound(id);
        res.json(product);
      });
      app.post('/', (req, res) => {
        const { product, problems } = parseNewProduct(req.body);
        if (!product) throw validationError(problems);
        res.status(201).json(catalog.add(product));
      });
      app.put('/', (req, res) => {
        const { product, problems } = parseProduct(req.body);
        if (!product) throw validationError(problems);
        const updated = catalog.update(product);
        if (!updated) throw notFound(product.id);
        res.json(updated);
      });
      app.delete('/:id', (req, res) => {
        const id = idOf(req.params.id);
        if (!catalog.remove(id)) throw notFound(id);
        res.status(204).end();
      });
    },
  };
}
