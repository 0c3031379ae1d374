// Element symbols and atomic numbers (Z = 1..118).

const SYMBOLS = (
  "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr " +
  "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu " +
  "Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr " +
  "Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og"
).split(" ");

const BY_SYMBOL = new Map(SYMBOLS.map((s, i) => [s.toLowerCase(), i + 1]));

/** Atomic number of a symbol (case-insensitive), or undefined if it is no element. */
export function atomicNumber(symbol: string): number | undefined {
  return BY_SYMBOL.get(symbol.toLowerCase());
}

/** Canonical symbol ("cl" -> "Cl") for atomic number z. */
export function elementSymbol(z: number): string {
  const s = SYMBOLS[z - 1];
  if (s === undefined) throw new Error(`no element with atomic number ${z}`);
  return s;
}
