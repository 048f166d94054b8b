'use strict';

const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const dayjs = require('dayjs');
const { stamp } = require('shared');

const db = new DynamoDBClient({});

exports.handler = async (event) => ({ day: stamp(event.time), now: dayjs().valueOf(), db: Boolean(db) });
