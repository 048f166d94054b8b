exports.logger = { info: (...args) => console.log(JSON.stringify(args)) };
