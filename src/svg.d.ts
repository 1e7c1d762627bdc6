// The builder bundles SVG files imported from TypeScript as their source text.
declare module '*.svg' {
  const svgstr: string;
  export default svgstr;
}
