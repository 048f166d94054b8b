#!/bin/bash
cd ../lambda/
rm -rf nodejs
npm ci
mkdir -p nodejs/nodejs
cp -r node_modules nodejs/nodejs
