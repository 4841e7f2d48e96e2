// temp probe (deleted after)
const t0 = performance.now();
for (const m of process.argv.slice(2)) { const t = performance.now(); await import(m); console.log(m.padEnd(50), (performance.now()-t).toFixed(1), 'ms'); }
console.log('since process start', (performance.now()).toFixed(1), 'ms');
