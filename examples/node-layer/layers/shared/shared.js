'use strict';

const dayjs = require('dayjs');

exports.stamp = (d) => dayjs(d).format('YYYY-MM-DD');
