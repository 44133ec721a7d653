// Types for the parts of hessian.js (the reference implementation we test and benchmark against) that we
// use. The package ships none.
declare module "hessian.js" {
  interface HessianJs {
    encode(value: unknown, version: "2.0"): Buffer;
    decode(buffer: Buffer, version: "2.0", withType?: boolean): unknown;
  }
  const hessian: HessianJs;
  export default hessian;
}
