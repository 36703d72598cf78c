#!/usr/bin/python3
# Stand-in for the MinIO client: the subcommands backup.s3 runs (alias ls/set, ls, mb, cp, stat,
# rm --force), over S3 with boto3; aliases live in $HOME/.mc-aliases.json like mc's config.
import json, os, sys
import boto3, botocore
conf = os.path.join(os.environ["HOME"], ".mc-aliases.json")
aliases = json.load(open(conf)) if os.path.exists(conf) else {}
def client(alias):
    a = aliases[alias]
    return boto3.client("s3", endpoint_url=a["url"], aws_access_key_id=a["key"], aws_secret_access_key=a["secret"],
                        region_name="us-east-1", config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))
def target(arg):
    alias, _, rest = arg.partition("/")
    bucket, _, key = rest.partition("/")
    return client(alias), bucket, key
args = [a for a in sys.argv[1:] if a != "--force"]
cmd = args[0]
try:
    if cmd == "alias" and args[1] == "ls":
        for name in aliases: print(name)
    elif cmd == "alias" and args[1] == "set":
        aliases[args[2]] = {"url": args[3], "key": args[4], "secret": args[5]}
        json.dump(aliases, open(conf, "w"))
        print("Added `%s` successfully." % args[2])
    elif cmd == "ls":
        c, bucket, _ = target(args[1])
        for o in c.list_objects_v2(Bucket=bucket).get("Contents", []): print(o["Key"])
    elif cmd == "mb":
        c, bucket, _ = target(args[1])
        c.create_bucket(Bucket=bucket)
        print("Bucket created successfully `%s`." % args[1])
    elif cmd == "cp":
        c, bucket, key = target(args[2])
        c.upload_file(args[1], bucket, key or os.path.basename(args[1]))
    elif cmd == "stat":
        c, bucket, key = target(args[1])
        c.head_object(Bucket=bucket, Key=key)
    elif cmd == "rm":
        c, bucket, key = target(args[1])
        c.delete_object(Bucket=bucket, Key=key)
        print("Removed `%s`." % args[1])
    else:
        sys.exit("mc stand-in: unsupported: " + " ".join(sys.argv[1:]))
except (botocore.exceptions.ClientError, botocore.exceptions.EndpointConnectionError, KeyError) as e:
    print("mc: <ERROR> %s" % e, file=sys.stderr)
    sys.exit(1)
