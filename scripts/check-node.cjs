// Run by `npm start` and `npm test` before anything else. Plain ES5 CommonJS on purpose, so that
// any old Node can read it and say what is wrong, instead of failing on the TypeScript sources.
'use strict';

var required = require('../package.json').engines.node.replace(/^>=\s*/, '');

function parts(version) {
  return version.split('.').map(function (part) {
    return parseInt(part, 10) || 0;
  });
}

function isAtLeast(version, minimum) {
  var have = parts(version);
  var need = parts(minimum);
  for (var i = 0; i < need.length; i += 1) {
    if ((have[i] || 0) !== need[i]) return (have[i] || 0) > need[i];
  }
  return true;
}

var current = process.versions.node;
if (!isAtLeast(current, required)) {
  console.error(
    'Content Broadcaster needs Node.js ' + required + ' or newer (it runs its TypeScript sources directly), but this is Node.js ' + current +
      ': install a current release from https://nodejs.org (or run `nvm install 24`) and try again.'
  );
  process.exit(1);
}
