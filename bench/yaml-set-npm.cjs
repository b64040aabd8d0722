// The npm `yaml` package doing what `promote yaml set -e image.tag=v6 FILE...`
// does: parseDocument, setIn, toString, written back in place; one process.
// Usage: node yaml-set-npm.cjs NODE_MODULES_DIR PATH VALUE FILE...
//   PATH is dotted (image.tag); VALUE is set as a string.
'use strict';
const fs = require('fs');
const path = require('path');
const [modules, keyPath, value, ...files] = process.argv.slice(2);
const YAML = require(path.resolve(modules, 'yaml'));
const keys = keyPath.split('.');
let failed = 0;
for (const file of files) {
	const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
	if (doc.errors.length) {
		console.error(`${file}: ${doc.errors[0].message}`);
		failed = 1;
		continue;
	}
	doc.setIn(keys, value);
	fs.writeFileSync(file, doc.toString());
}
process.exit(failed);
