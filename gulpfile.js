const { src, dest, parallel } = require('gulp');

// Icons are SVG, but encoding: false keeps any binary asset byte-exact under gulp 5.
function copyNodeIcons() {
	return src('nodes/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialIcons() {
	return src('credentials/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/credentials'));
}

exports['build:icons'] = parallel(copyNodeIcons, copyCredentialIcons);
