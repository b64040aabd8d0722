// Checks GraphQL requests against GitHub's official GraphQL schema (npm @octokit/graphql-schema) with
// graphql-js (npm graphql), for the stateful GitHub server (github_server.py): the request's document is
// parsed and validated against the schema, and its variables coerced to the types the operation declares,
// as GitHub's own server does before it runs anything.
//
//   node graphql_check.cjs TOOLS_DIR     then one JSON request per line on stdin, one answer line each:
//     {"query", "variables"}              -> {"errors": [messages]} ([] when valid) and, when valid,
//                                            "operation": the name of the operation's first field and
//                                            "arguments": that field's arguments, variables put in
//     {"query", "variables", "root"}      -> GitHub's answer: the query executed by graphql-js over `root`
//                                            (what the server's state says, objects of interfaces naming
//                                            their "__typename"), so the answer has exactly the fields and
//                                            types the schema gives the query ({"data"}, or {"errors"} when
//                                            the root breaks the schema: a null where none may be, ...)
"use strict";
const path = require("path");
const readline = require("readline");
const fs = require("fs");

const tools = path.resolve(process.argv[2]);
const modules = path.join(tools, "node_modules");
const graphql = require(path.join(modules, "graphql"));
const { getVariableValues, getArgumentValues } = require(path.join(modules, "graphql", "execution", "values.js"));
const sdl = fs.readFileSync(path.join(modules, "@octokit", "graphql-schema", "schema.graphql"), "utf8");
// The published schema defines two fields of EnterpriseOwnerInfo twice, which graphql-js's check of the
// schema itself refuses; the schema is GitHub's as it is, so that check is skipped (requests are still
// validated in full).
const schema = graphql.buildSchema(sdl, { assumeValidSDL: true });

function check(request) {
	let document;
	try {
		document = graphql.parse(request.query);
	} catch (e) {
		return { errors: [String(e.message)] };
	}
	const errors = graphql.validate(schema, document).map((e) => e.message);
	const operations = document.definitions.filter((d) => d.kind === "OperationDefinition");
	if (operations.length !== 1)
		errors.push("expected exactly one operation, got " + operations.length);
	if (errors.length)
		return { errors };
	const operation = operations[0];
	const coerced = getVariableValues(schema, operation.variableDefinitions || [], request.variables || {});
	if (coerced.errors)
		return { errors: coerced.errors.map((e) => e.message) };
	const first = operation.selectionSet.selections[0];
	const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
	const field = root.getFields()[first.name.value];
	const args = getArgumentValues(field, first, coerced.coerced);
	return { errors: [], operation: first.name.value, arguments: args };
}

function execute(request) {
	const result = graphql.executeSync({
		schema, document: graphql.parse(request.query), rootValue: request.root,
		variableValues: request.variables || {},
	});
	return result.errors ? { errors: result.errors.map((e) => e.message) } : { data: result.data };
}

const lines = readline.createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
lines.on("line", (line) => {
	let answer;
	try {
		const request = JSON.parse(line);
		answer = "root" in request ? execute(request) : check(request);
	} catch (e) {
		answer = { errors: ["not a GraphQL request: " + e.message] };
	}
	process.stdout.write(JSON.stringify(answer) + "\n");
});
