/** The product catalog: aks-store-demo's seeded products plus id 11, "Inspektor Gadget". */
export interface Product {
  id: number;
  name: string;
  price: number;
  description: string;
  image: string;
}

export type NewProduct = Omit<Product, 'id'>;

export const SEED_PRODUCTS: readonly Product[] = [
  { id: 1, name: 'Contoso Catnip’s Friend', price: 9.99, description: 'Watch your feline friend embark on a fishing adventure with Contoso Catnip’s Friend toy.', image: '/catnip.jpg' },
  { id: 2, name: 'Salty Sailor’s Squeaky Squid', price: 6.99, description: 'Let your dog set sail with the Salty Sailor’s Squeaky Squid.', image: '/squid.jpg' },
  { id: 3, name: 'Mermaid’s Mice Trio', price: 12.99, description: 'Entertain your kitty with the Mermaid’s Mice Trio.', image: '/mermaid.jpg' },
  { id: 4, name: 'Ocean Explorer’s Puzzle Ball', price: 11.99, description: 'Challenge your pet’s problem-solving skills with the Ocean Explorer’s Puzzle Ball.', image: '/ocean.jpg' },
  { id: 5, name: 'Pirate Parrot Teaser Wand', price: 8.99, description: 'Engage your cat in a playful pursuit with the Pirate Parrot Teaser Wand.', image: '/pirate.jpg' },
  { id: 6, name: 'Seafarer’s Tug Rope', price: 14.99, description: 'Tug-of-war fun for your dog, braided like a ship’s line.', image: '/tug.jpg' },
  { id: 7, name: 'Seashell Snuggle Bed', price: 19.99, description: 'A seashell-shaped bed your pet will not want to leave.', image: '/bed.jpg' },
  { id: 8, name: 'Nautical Knot Ball', price: 7.99, description: 'A rope ball tied with a sailor’s knot, for chewing and fetching.', image: '/knot.jpg' },
  { id: 9, name: 'Contoso Scratch Post', price: 24.99, description: 'A sturdy scratching post wrapped in sisal rope.', image: '/scratch.jpg' },
  { id: 10, name: 'Captain Catnip’s Treasure Chest', price: 29.99, description: 'A treasure chest of toys filled with catnip.', image: '/chest.jpg' },
  { id: 11, name: 'Inspektor Gadget', price: 99.99, description: 'Eyes and ears into the kernel: eBPF gadgets that trace TCP and DNS in your cluster.', image: '/gadget.jpg' },
];

/** An in-memory catalog, seeded, as aks-store-demo's product-service keeps it. */
export class Catalog {
  private readonly products = new Map<number, Product>();
  private nextId: number;

  constructor(seed: readonly Product[] = SEED_PRODUCTS) {
    for (const product of seed) this.products.set(product.id, { ...product });
    this.nextId = Math.max(0, ...seed.map((p) => p.id)) + 1;
  }

  list(): Product[] {
    return [...this.products.values()];
  }

  get(id: number): Product | undefined {
    return this.products.get(id);
  }

  add(product: NewProduct): Product {
    const created = { id: this.nextId++, ...product };
    this.products.set(created.id, created);
    return created;
  }

  /** Replaces the product with the same id; undefined when there is none. */
  update(product: Product): Product | undefined {
    if (!this.products.has(product.id)) return undefined;
    this.products.set(product.id, { ...product });
    return product;
  }

  remove(id: number): boolean {
    return this.products.delete(id);
  }
}
