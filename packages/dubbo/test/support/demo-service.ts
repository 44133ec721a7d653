// DemoService of the interop peer (interop/java, org.dubbomesh.interop) as an SDK interface definition
// with its Java types, plus a TypeScript implementation that answers as the Java one does.
import { defineInterface, type HandlerContext, type InterfaceImpl, unary } from "@dubbo-mesh/dubbo";
import { type JavaBigDecimal, java } from "@dubbo-mesh/hessian2";

export const DEMO = "org.dubbomesh.interop.DemoService";
export const USER = "org.dubbomesh.interop.User";
export const ITEM = "org.dubbomesh.interop.Item";
export const ORDER = "org.dubbomesh.interop.Order";
export const ORDER_STATUS = "org.dubbomesh.interop.OrderStatus";

export interface User {
  name: string;
  age: number;
  tags: string[];
  attrs: Record<string, string>;
  birthday: Date;
  balance: JavaBigDecimal;
}

export interface Item {
  sku: string;
  quantity: number;
  price: JavaBigDecimal;
}

export interface Order {
  id: bigint;
  buyer: User;
  items: Item[];
  itemsBySku: Record<string, Item>;
  notes: Record<string, string>;
  created: Date;
  total: JavaBigDecimal;
  status: { name: string };
  quantities: number[];
}

export const DemoService = defineInterface(DEMO, {
  sayHello: unary<[name: string], string>({ parameterTypes: ["java.lang.String"] }),
  echoUser: unary<[user: User], User>({ parameterTypes: [USER], returnType: USER }),
  placeOrder: unary<[buyer: User, items: unknown[], notes: Record<string, string>], Order>({
    parameterTypes: [USER, "java.util.List", "java.util.Map"],
    returnType: ORDER,
  }),
  fail: unary<[kind: string], string>({ parameterTypes: ["java.lang.String"] }),
});

export function sampleUser(name: string): User {
  return {
    name,
    age: 42,
    tags: ["a", "b"],
    attrs: { k: "v" },
    birthday: new Date(946684800000),
    balance: java.bigDecimal("1234.56"),
  };
}

export const sampleItems = (): unknown[] => [
  java.object(ITEM, { sku: "apple", quantity: 3, price: java.bigDecimal("1.25") }),
  java.object(ITEM, { sku: "pear", quantity: 2, price: java.bigDecimal("0.40") }),
];

/** What the Java DemoServiceImpl does (DemoOrders.place), so the Java consumer's equality check holds. */
export const demoImpl = (seen: HandlerContext[] = []): InterfaceImpl<typeof DemoService> => ({
  sayHello: (name, ctx) => {
    seen.push(ctx);
    const who = ctx.requestHeader.get("x-who");
    ctx.responseHeader.set("x-served-by", "ts");
    return who === undefined ? `Hello, ${name}` : `Hello, ${name} (${who})`;
  },
  echoUser: (user) => user,
  placeOrder: (buyer, list, notes) => {
    const items = list as Item[];
    let cents = 0;
    const bySku: Record<string, unknown> = {};
    for (const item of items) {
      bySku[item.sku] = item;
      cents += Math.round(Number(item.price.value) * 100) * item.quantity;
    }
    // A plain object: the declared return type (Order) makes it a Java Order on the wire.
    return {
      id: java.long(9_007_199_254_740_993n),
      buyer,
      items,
      itemsBySku: java.map("java.util.LinkedHashMap", bySku),
      notes,
      created: new Date(1704164645678),
      total: java.bigDecimal((cents / 100).toFixed(2)),
      status: java.enum(ORDER_STATUS, "paid" in notes ? "PAID" : "NEW"),
      quantities: java.array(
        "int",
        items.map((i) => i.quantity),
      ),
    } as unknown as Order;
  },
  fail: (kind) => {
    if (kind !== "demo") throw java.exception("java.lang.IllegalArgumentException", `unknown kind: ${kind}`);
    throw java.exception("org.dubbomesh.interop.DemoException", "demo failure", {
      fields: { code: 42 },
      cause: java.exception("java.lang.IllegalStateException", "root cause"),
    });
  },
});
