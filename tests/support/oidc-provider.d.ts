// oidc-provider ships no types (and @types/oidc-provider is not installed): the tests' provider
// (tests/support/oidc.ts) uses it loosely typed.
declare module 'oidc-provider' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Provider: any
  export default Provider
}
