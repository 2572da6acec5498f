/**
 * Where a host method puts its success value. The glue keeps one per function and
 * reuses it, so returning a value allocates nothing; it writes `value` to the guest's
 * out-pointer only when the method returned success.
 */
export interface Out<T> {
  value: T;
}
