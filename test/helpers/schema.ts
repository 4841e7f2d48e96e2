// The shipped JSON Schema, compiled once, for tests that check real output.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type FormatsPlugin = (ajv: InstanceType<typeof Ajv2020>) => unknown;
// ajv-formats is CommonJS: under Node its default import is the plugin itself.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

const schema = JSON.parse(readFileSync(new URL('../../schemas/diagnosis.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
export const validateDiagnosis = ajv.compile(schema);
const validate = validateDiagnosis;

/** The schema's complaints about `value`, or [] when it conforms. */
export function schemaErrors(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
