// Read one of attrib's graph exports with graphology's parsers (those Gephi Lite uses) and print the graph as
// graphology's own serialisation (Graph.export()) on stdout.
// usage: node read_export.js gexf|graphml|graphology FILE
"use strict";
const fs = require("fs");
const Graph = require("graphology");
const [fmt, file] = process.argv.slice(2);
const text = fs.readFileSync(file, "utf8");
let graph;
if (fmt === "graphology") {
  graph = Graph.from(JSON.parse(text));  // what Gephi Lite does with a .json file
} else {
  const { DOMParser } = require("@xmldom/xmldom");
  const parser = fmt === "gexf" ? require("graphology-gexf") : require("graphology-graphml");
  const doc = new DOMParser().parseFromString(text, "application/xml");
  graph = parser.parse(Graph, doc, { allowUndeclaredAttributes: true, addMissingNodes: true });
}
// sigma.js draws a node with the program its "type" attribute names: no node may have one
graph.forEachNode((key, attrs) => {
  if ("type" in attrs) throw new Error(`node ${key} has a "type" attribute, which sigma.js takes for a renderer`);
});
process.stdout.write(JSON.stringify(graph.export()));
