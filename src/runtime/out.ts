/**
 * Where a host method puts its success value. The glue keeps one per function and
 * reuses it, so returning a value allocates nothing; it writes `value` to the guest's
 * out-pointer only when the method returned success.
 *
 * A u64 success value is typed `bigint | number`: a host sets a bigint, or a number
 * when it has one (a file position, a clock computed in doubles) and would otherwise
 * allocate a BigInt only to hand it over. The number must be a non-negative integer
 * below 2^64; it is exact below 2^53 (Number.MAX_SAFE_INTEGER), and a larger double
 * stands for the one integer it holds. Any other number is a host failure.
 */
export interface Out<T> {
  value: T;
}
