// Compact records: only what changes or must be indexed is stored; everything else is rendered on read from the
// shop seed and the record index (see render-*.ts). This keeps 100,000 orders at a few MB.
import type { Catalog, CategoryRec } from './catalog.js';

export interface OrderPatch {
  tracking_code?: string | null;
  resolved_yn?: boolean;
  internal_note?: string | null;
  metas?: Array<Record<string, unknown>>;
  external_order_number?: string | null;
  variable_symbol?: string;
  statistics_yn?: boolean;
}

export interface OrderRec {
  /** Index used to seed the rendering of the order's details. */
  i: number;
  num: string;
  created: number;
  updated: number;
  statusId: number | null;
  paid: number | null;
  /** customer_id, 0 = guest (unregistered contact). */
  cust: number;
  lang: string;
  deleted: number;
  patch?: OrderPatch;
  /** Orders created through POST /orders carry their own content instead of generated lines. */
  custom?: Record<string, unknown>;
}

export interface VariantRec {
  id: number;
  code: string;
  stock: number | null;
  deleted: number;
}

export interface ProductRec {
  i: number;
  id: number;
  code: string;
  created: number;
  updated: number;
  deleted: number;
  stock: number | null;
  variants: VariantRec[];
  /** Scalar overrides written through the API (active_yn, ean, weight, ...). */
  patch?: Record<string, unknown>;
  /** Per-language description overrides. */
  descPatch?: Record<string, Record<string, unknown>>;
}

export interface CustomerRec {
  i: number;
  id: number;
  email: string;
  code: string;
  created: number;
  updated: number;
  deleted: number;
  lang: string;
  newsletter: 'notset' | 'no' | 'yes' | 'excluded';
  active: boolean;
  blocked: boolean;
  groups: Record<string, string>;
  patch?: Record<string, unknown>;
}

export interface ShopData {
  seed: number;
  projectName: string;
  languages: string[];
  catalog: Catalog;
  categories: CategoryRec[];
  orders: OrderRec[];
  orderByNum: Map<string, OrderRec>;
  products: ProductRec[];
  productById: Map<number, ProductRec>;
  productByCode: Map<string, ProductRec>;
  variantByCode: Map<string, { product: ProductRec; variant: VariantRec }>;
  customers: CustomerRec[];
  customerById: Map<number, CustomerRec>;
  customerByEmail: Map<string, CustomerRec>;
  /** Number of products/customers at generation time: generated order lines pick from these. */
  genProducts: number;
  genCustomers: number;
  next: { order: number; product: number; customer: number; category: number };
  /** E-mails the shop "sent" because of status changes with send_emails_yn (recorded, not sent). */
  emailsSent: Array<{ orderNumber: string; statusId: number; at: number }>;
}
