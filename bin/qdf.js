#!/usr/bin/env node
// The qdf command (built TypeScript lives in dist/).
import { main } from "../dist/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
