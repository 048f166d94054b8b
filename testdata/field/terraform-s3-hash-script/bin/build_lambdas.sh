OUT=dist
rm -rf $OUT
mkdir -p $OUT
cp -r src/* $OUT
cd $OUT
zip -r jobs.zip *
aws s3 cp jobs.zip s3://${JOBS_BUCKET}/lambdas/
cd ..
