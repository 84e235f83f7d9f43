// The scenario format's JSON Schema (engine/scenario/scenario.schema.json, docs/scenario-format.md,
// JSON Schemas) for the editor's completion: a published document of the contract, not engine
// code. Imported only by the lazily loaded editor, so it stays out of the initial JavaScript.
import schema from "../../engine/scenario/scenario.schema.json";

export const scenarioSchema: { [key: string]: unknown } = schema;
