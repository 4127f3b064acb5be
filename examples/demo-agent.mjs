// A scripted stand-in for a coding agent, used by `npm run demo` and the examples.
// weave runs it once per task with the task in $WEAVE_TASK; it edits files and reports what it "cost".
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const milestone = process.env.WEAVE_MILESTONE;
const task = process.env.WEAVE_TASK;
const index = Number(process.env.WEAVE_TASK_INDEX);
const files = {
  data: "src/data/model.ts",
  api: "src/api/routes.ts",
  ui: "src/ui/views.ts",
  integration: "src/app.ts",
  docs: "docs/guide.md",
};
const file = files[milestone] ?? `src/${milestone}.ts`;
mkdirSync(dirname(file), { recursive: true });
const before = existsSync(file) ? readFileSync(file, "utf8") : "";
const line = file.endsWith(".md") ? `- ${task}\n` : `// ${task}\nexport const ${milestone}Step${index} = ${index};\n`;
writeFileSync(file, before + line);
console.log(`agent: ${milestone} task ${index}: ${task} → ${file}`);

// Think for a while, like a real agent (0.4–1.2 s).
await new Promise((resolve) => setTimeout(resolve, 400 + Math.floor(Math.random() * 800)));
appendFileSync(process.env.WEAVE_COST_FILE, `${JSON.stringify({ usd: Number((0.02 + Math.random() * 0.05).toFixed(4)) })}\n`);
