/** The report page's only stylesheet, inlined so the file opens anywhere, offline, and prints. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #57606a; --line: #d0d7de; --pass: #1a7f37; --fail: #cf222e; --undecided: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 20px 24px 48px; color: var(--fg); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 22px; margin: 0 0 12px; display: flex; gap: 12px; align-items: center; }
h2 { font-size: 18px; margin: 0 0 6px; display: flex; gap: 10px; align-items: center; }
h3 { font-size: 14px; margin: 18px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.badge { display: inline-block; min-width: 52px; text-align: center; padding: 1px 8px; border-radius: 10px;
  font-size: 12px; font-weight: 700; color: #fff; letter-spacing: .03em; }
.badge.pass { background: var(--pass); }
.badge.fail { background: var(--fail); }
.badge.undecided { background: var(--undecided); }
.badge.not-applicable { background: #6e7781; }
tr.not-applicable td.result { color: #6e7781; }
p.not-applicable { color: #57606a; font-style: italic; }
.run-facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 12px; }
.run-facts dt { color: var(--muted); }
.run-facts dd { margin: 0; }
.notice { border: 1px solid #d4a72c; background: #fff8c5; padding: 8px 12px; border-radius: 6px; margin: 8px 0 16px; }
.error { border: 1px solid var(--fail); background: #ffebe9; padding: 8px 12px; border-radius: 6px; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.result { white-space: nowrap; font-weight: 700; }
tr.fail td.result, td.result.fail { color: var(--fail); }
tr.pass td.result, td.result.pass { color: var(--pass); }
tr.fail { background: #fff5f5; }
tr.undecided td.result { color: var(--undecided); }
tr.undecided { background: #fff8c5; }
tr.evidence td { background: #fff5f5; padding-top: 0; }
tr.evidence pre { margin: 0; padding: 6px 8px; background: #fff; border: 1px solid #ffcecb; overflow-x: auto; }
.measurements { margin: 0; padding: 0; list-style: none; }
.measurements .value { font-weight: 700; font-variant-numeric: tabular-nums; }
.measurements .fail { color: var(--fail); }
section.scenario { border: 1px solid var(--line); border-left: 6px solid var(--pass); border-radius: 6px;
  padding: 14px 16px; margin: 22px 0; }
section.scenario.fail { border-left-color: var(--fail); }
section.scenario.undecided { border-left-color: var(--undecided); }
.meta { color: var(--muted); margin: 0 0 10px; }
.chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; }
.chart svg { display: block; max-width: 100%; height: auto; }
.timeline td { font-size: 12.5px; }
.timeline td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
details summary { cursor: pointer; color: var(--muted); margin: 10px 0 4px; }
footer { color: var(--muted); font-size: 12px; margin-top: 32px; }
@media print {
  body { max-width: none; padding: 0; }
  section.scenario { break-inside: avoid-page; }
  .chart { overflow: visible; border: none; }
  a { color: inherit; text-decoration: none; }
}
`;
