#!/bin/sh
# The main job: check and price the main example pipeline.
# (Replaced by a real run on the embedded server once the runner lands.)
set -e
cd "$(dirname "$0")/.."
node packages/cli/dist/bin.js check examples/motion-detect.ovs
node packages/cli/dist/bin.js plan examples/motion-detect.ovs
