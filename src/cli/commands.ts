// The registry of CLI commands (one module per command).
import type { Command } from "./command.js";
import { densityCommand } from "./density.js";
import { descriptorCommand } from "./descriptor.js";
import { transferCommand } from "./transfer.js";
import { embedCommand } from "./embed.js";
import { evaluateCommand } from "./evaluate.js";
import { importTorchCommand } from "./importTorch.js";
import { mergeCommand } from "./merge.js";
import { modelsCommand } from "./models.js";
import { predictCommand } from "./predict.js";
import { trainCommand } from "./train.js";

export const commands: Command[] = [predictCommand, mergeCommand, importTorchCommand, densityCommand, trainCommand, modelsCommand, evaluateCommand, embedCommand, descriptorCommand, transferCommand];
