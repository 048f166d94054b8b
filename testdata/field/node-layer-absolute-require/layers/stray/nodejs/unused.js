exports.unused = 1;
