// Plain text tables for the terminal: a header row, columns padded to their widest cell, two
// spaces between columns, no trailing blanks, no colour (output is stable to pipe and to test).

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(width(header), ...rows.map(row => width(row[i] ?? ''))))
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n') + '\n'
}

/** Display width, counting each code point as one column (ids, paths and `—` are all narrow). */
function width(text: string): number {
  return [...text].length
}
