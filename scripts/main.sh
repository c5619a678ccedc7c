#!/bin/sh
# The main job: a real pipeline on the embedded server. A clip is composed from the photos in
# ../shared/media (an empty scene, the person, an empty scene, the dog; or generated test
# patterns when those photos are not there), and examples/motion-detect.ovs runs on it: the
# builtin motion model watches every second and escalates to the builtin person detector,
# which confirms the person and rejects the dog. Events print as they happen; the run ends
# with the clip (about 20 s). Output files go to .demo/.
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
media="$root/../shared/media"
mkdir -p "$root/.demo"
cd "$root/.demo"
if [ -f "$media/person.jpg" ] && [ -f "$media/dog.jpg" ]; then
  node "$root/scripts/clips.mjs" demo.mp4 color:gray:3 "image:$media/person.jpg:5" color:gray:3 "image:$media/dog.jpg:5"
else
  echo "main: $media not found; using a generated clip" >&2
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=640x480:rate=10:duration=12 -c:v libx264 -preset veryfast -pix_fmt yuv420p demo.mp4
fi
node "$root/packages/cli/dist/bin.js" check "$root/examples/motion-detect.ovs"
node "$root/packages/cli/dist/bin.js" run "$root/examples/motion-detect.ovs" --stream cam=file:demo.mp4 --events events.jsonl
echo "main: event log in .demo/events.jsonl, confirmed events in .demo/motion-events.jsonl" >&2
