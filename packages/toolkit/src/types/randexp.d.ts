// randexp ships no types; this is the part of its API the sampler uses.
declare module "randexp" {
  export default class RandExp {
    constructor(pattern: string | RegExp, flags?: string);
    max: number;
    randInt: (low: number, high: number) => number;
    gen(): string;
  }
}
