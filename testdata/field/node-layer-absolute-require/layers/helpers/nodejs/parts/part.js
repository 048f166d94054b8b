exports.part = "p";
