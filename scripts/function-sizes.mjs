// The largest functions and files in src/ (lines; a function counts its nested functions): `node scripts/function-sizes.mjs`.
import ts from "typescript";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
const root = process.argv[2] ?? process.cwd();
const files = [];
const walk = (d) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith(".ts")) files.push(p); } };
walk(join(root, "src"));
const fns = [];
for (const f of files) {
  const text = readFileSync(f, "utf8");
  const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) {
      const a = sf.getLineAndCharacterOfPosition(node.getStart()).line, b = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      let name = node.name?.getText?.() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : ts.isPropertyAssignment(node.parent) ? node.parent.name.getText() : "<anon>");
      fns.push([b - a + 1, `${relative(root, f)}:${a + 1} ${name}`]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
fns.sort((x, y) => y[0] - x[0]);
console.log("functions:"); for (const [n, s] of fns.slice(0, 8)) console.log(n, s);
const sizes = files.map((f) => [readFileSync(f, "utf8").split("\n").length - 1, relative(root, f)]).sort((x, y) => y[0] - x[0]);
console.log("files:"); for (const [n, s] of sizes.slice(0, 5)) console.log(n, s);
