#!/usr/bin/env node
// Usage: node validate_json.js SCHEMA.json DOC.json
// Validates DOC against SCHEMA (JSON Schema draft-07) with Ajv; prints "valid"
// or every error on one line each, and exits non-zero when invalid.
'use strict';
const fs = require('fs');
const Ajv = require('ajv');

const [schemaPath, docPath] = process.argv.slice(2);
if (!schemaPath || !docPath) {
  console.error('usage: validate_json.js SCHEMA.json DOC.json');
  process.exit(2);
}
const ajv = new Ajv({allErrors: true, strict: true});
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
const doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));
if (validate(doc)) {
  console.log('valid');
} else {
  for (const e of validate.errors) console.log(`invalid: ${e.instancePath || '/'} ${e.message}`);
  process.exit(1);
}
