// Markdown tables with padded columns: readable in a terminal and pasteable into a README as is.

export type Align = "left" | "right";

export interface Column {
  title: string;
  align?: Align;
}

export function markdownTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, 3, ...rows.map((r) => (r[i] ?? "").length)));
  const pad = (text: string, i: number): string =>
    columns[i].align === "right" ? text.padStart(widths[i]) : text.padEnd(widths[i]);
  const line = (cells: readonly string[]): string =>
    `| ${columns.map((_, i) => pad(cells[i] ?? "", i)).join(" | ")} |`;
  const rule = `| ${columns
    .map((c, i) => (c.align === "right" ? `${"-".repeat(widths[i] - 1)}:` : "-".repeat(widths[i])))
    .join(" | ")} |`;
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join("\n");
}

/** Formats a number with a fixed number of decimals, or "-" when it was not measured. */
export function fmt(value: number | undefined, decimals = 0): string {
  if (value === undefined || !Number.isFinite(value)) return "-";
  return value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
