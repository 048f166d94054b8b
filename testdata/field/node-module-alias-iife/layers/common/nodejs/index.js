exports.greeting = (name) => `hello ${name || "there"}`;
