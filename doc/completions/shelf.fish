# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_shelf_global_optspecs
    string join \n config= q/quiet data= base-url= out= layout= templates= assets= target= s3-endpoint= s3-access-key-id= s3-secret-access-key= purge-url= purge-token= purge-command= index-remote= max-zip-bytes= max-entries= max-uncompressed-bytes= max-ratio= max-manifest-bytes= h/help V/version
end

function __fish_shelf_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_shelf_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_shelf_using_subcommand
    set -l cmd (__fish_shelf_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c shelf -n "__fish_shelf_needs_command" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_needs_command" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_needs_command" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_needs_command" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_needs_command" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_needs_command" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_needs_command" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_needs_command" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_needs_command" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_needs_command" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_needs_command" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_needs_command" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_needs_command" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_needs_command" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_needs_command" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_needs_command" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_needs_command" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_needs_command" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_needs_command" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_needs_command" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_needs_command" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_needs_command" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "serve" -d 'Serve the registry (the static site) over HTTP'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "build" -d 'Regenerate the static site from the index and blobs'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "check" -d 'Verify that the index, the blobs and the site agree (after a crash, say); change nothing'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "gc" -d 'Delete the blobs nothing in the index names any more (after a grace period)'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "add" -d 'Check a package zip and publish it'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "yank" -d 'Yank a version (still downloadable, never latest), or un-yank it with --undo'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "delete" -d 'Delete a version, or a whole package; its numbers are never used again'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "publish" -d 'Pack a directory (or take a zip) and publish it to a registry over HTTP'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "login" -d 'Log in to a registry and store the token for `publish`'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "token" -d 'Create narrower, expiring tokens (for CI) on a registry'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "key" -d 'Create API keys for signed requests on a registry'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "user" -d 'Manage accounts of the local registry\'s database (offline)'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "watch" -d 'Watch the index (and templates/assets) and regenerate what changes outside the API'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "mirror" -d 'Copy a remote Shelf registry from its static files, and keep the copy current'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "completions" -d 'Print the completion script for a shell'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "man" -d 'Print the man page (or write every page with --out)'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "config" -d 'Show the effective configuration, or print a commented example file'
complete -c shelf -n "__fish_shelf_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l listen -d 'Address to listen on (`127.0.0.1:0` picks a free port)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l registration -d 'Whether anyone may create an account with `POST /register`' -r -f -a "open\t'`POST /register` is open to everyone'
closed\t'Accounts are made by `shelf user add` only; `POST /register` answers 403'"
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l token-days -d 'Lifetime of a login token, in days' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l signature-window -d 'How far a signed request\'s timestamp may be from the server\'s clock, in seconds' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l upload-ttl -d 'How long an upload URL stays valid, in seconds' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l register-per-hour -d 'Registrations allowed per IP per hour' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l login-per-minute -d 'Login attempts allowed per username from one address per minute (an address gets four times this across usernames; a stranger\'s guesses never lock the account out elsewhere)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l publish-per-hour -d 'Publishes allowed per account per hour' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l search-per-minute -d 'Searches allowed per IP per minute' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l max-pending-uploads -d 'Most uploads one account may have announced and not yet sent' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l site -d 'Serve this site directory as it is (a mirror, a copied site) instead of a registry: no index, no database, no API; every path answered as the registry\'s own server answers it' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l header-timeout -d 'Seconds a client may take to send a request\'s headers; also how long a keep-alive connection may sit idle between requests. Then the connection is closed' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l body-timeout -d 'Seconds a request body may send nothing before the request fails with 408 (an upload URL stays usable), and a response may wait for the client to read it' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l max-connections -d 'Most connections served at once; more wait to be accepted. Default: what the open-file limit (raised to its hard maximum) leaves room for, at most 4096' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l token-realm -d 'The URL OCI clients are sent to for a token (the realm of the challenge): the public URL of this server\'s `/v2/token`. Default: `{api_url}/v2/token` (the index\'s API URL, else its base URL)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l gc-every -d 'Collect the blob store\'s garbage this often, on the writer, between changes (as `shelf gc`; `15m`, `24h`). Default: never' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l gc-grace -d 'The collection\'s grace period: unreferenced blobs stored or used less than this long ago are kept' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l max-blob-bytes -d 'Largest blob an OCI client may push, in bytes (8 GiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l max-tarball-bytes -d 'Largest package tarball an npm publish may carry, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand serve" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand serve" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand build" -l package -d 'Rebuild only these packages (plus the registry-wide files); default: everything' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand build" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand build" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand build" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand build" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand build" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand build" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand build" -l verify -d 'Plan every package and compare every file with the target, instead of trusting the record of the last build\'s inputs (`DATA/build-inputs/`) for the packages whose index files did not change. For a target that may have been changed by hand'
complete -c shelf -n "__fish_shelf_using_subcommand build" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand build" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand build" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand check" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand check" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand check" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand check" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand check" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand check" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand check" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand check" -l all -d 'Print every problem, not only the first few of each kind'
complete -c shelf -n "__fish_shelf_using_subcommand check" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand check" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l grace -d 'Keep unreferenced blobs stored or used less than this long ago (`90s`, `15m`, `24h`, `7d`)' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand gc" -l dry-run -d 'Say what would be deleted; delete nothing'
complete -c shelf -n "__fish_shelf_using_subcommand gc" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand gc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand gc" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand add" -l notes -d 'A file whose text becomes the release notes' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand add" -l publisher -d 'Account name recorded as the publisher (default: $SHELF_PUBLISHER, else $USER)' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand add" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand add" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand add" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand add" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand add" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand add" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand add" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand add" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l publisher -d 'Account name recorded as the author of the change' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand yank" -l undo -d 'Un-yank instead'
complete -c shelf -n "__fish_shelf_using_subcommand yank" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand yank" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand yank" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l publisher -d 'Account name recorded as the author of the change' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand delete" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand delete" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l registry -d 'Registry URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l notes -d 'A file whose text becomes the release notes' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l key-id -d 'Sign with this API key instead of using the login token; the secret comes from $SHELF_API_SECRET or from the credentials file (`shelf key create --save`). Without it, $SHELF_TOKEN or the stored login token is used' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l include-node-modules -d 'Pack node_modules folders too (Serverless Devs installs nothing when it downloads a component, so runtime dependencies must travel in the zip)'
complete -c shelf -n "__fish_shelf_using_subcommand publish" -l dry-run -d 'Pack and check only; upload nothing'
complete -c shelf -n "__fish_shelf_using_subcommand publish" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand publish" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand publish" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand login" -l registry -d 'Registry URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l username -d 'Account name; asked for when not given. The password is read from stdin when stdin is not a terminal (`echo "$PASSWORD" | shelf login --username NAME …`), else asked for without echo' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand login" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand login" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand login" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand login" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand login" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand login" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand login" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand login" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -f -a "create" -d 'Create a token. Only the token is printed on stdout, so scripts can capture it (`SHELF_TOKEN=$(shelf token create …)`); the rest goes to stderr'
complete -c shelf -n "__fish_shelf_using_subcommand token; and not __fish_seen_subcommand_from create help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l registry -d 'Registry URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l name -d 'A label to recognise it by' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l scope -d 'What it may do, e.g. `publish:hello*`; repeat the flag or list several' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l expires-in-days -d 'Lifetime in days (default: the registry\'s, 30 days for tokens; keys never expire)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l kind -d '`bearer`: a token for `shelf publish` and the API. `s-client`: a code for the official `s` client (`s registry login --token CODE`), kept by the registry as an API key\'s secret is' -r -f -a "bearer\t'A bearer token'
s-client\t'A code for the Serverless Devs client'"
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a token. Only the token is printed on stdout, so scripts can capture it (`SHELF_TOKEN=$(shelf token create …)`); the rest goes to stderr'
complete -c shelf -n "__fish_shelf_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -f -a "create" -d 'Create an API key. Prints `SHELF_API_KEY=…` and `SHELF_API_SECRET=…` on stdout, the variables `shelf publish` signs with; the secret is shown once'
complete -c shelf -n "__fish_shelf_using_subcommand key; and not __fish_seen_subcommand_from create help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l registry -d 'Registry URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l name -d 'A label to recognise it by' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l scope -d 'What it may do, e.g. `publish:hello*`; repeat the flag or list several' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l expires-in-days -d 'Lifetime in days (default: the registry\'s, 30 days for tokens; keys never expire)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -l save -d 'Also store the key id and secret in the credentials file for this registry (replacing a stored key), so `shelf publish --key-id ID` finds the secret'
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an API key. Prints `SHELF_API_KEY=…` and `SHELF_API_SECRET=…` on stdout, the variables `shelf publish` signs with; the secret is shown once'
complete -c shelf -n "__fish_shelf_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -f -a "add" -d 'Create an account. The password is read from the first line of stdin when stdin is not a terminal, otherwise prompted for twice'
complete -c shelf -n "__fish_shelf_using_subcommand user; and not __fish_seen_subcommand_from add help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l email -d 'Email address (unique, regardless of case)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -l admin -d 'Make the account an administrator (may read the audit log and act on any package)'
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "add" -d 'Create an account. The password is read from the first line of stdin when stdin is not a terminal, otherwise prompted for twice'
complete -c shelf -n "__fish_shelf_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l debounce-ms -d 'How long the files must stay quiet before a batch of changes is applied, in milliseconds (a `git pull` writes many files; they are rebuilt once)' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand watch" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand watch" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l out -d 'Folder the copy is written to (a dir-layout site; serve it with `shelf serve --site DIR`). Run again to bring it up to date' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand mirror" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand completions" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand completions" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand man" -l out -d 'Write `shelf.1` and a page per subcommand (`shelf-serve.1`…) into this folder, instead of printing `shelf.1`' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand man" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand man" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand man" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand man" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand man" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand man" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand man" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand man" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -f -a "show" -d 'Print the configuration a command would run with, and where each value comes from (flag, environment, file and line, default); secrets are never printed'
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -f -a "example" -d 'Print a commented `shelf.toml` with every key at its default'
complete -c shelf -n "__fish_shelf_using_subcommand config; and not __fish_seen_subcommand_from show example help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l config -d 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l data -d 'Data directory holding index/ (git), blobs/ and site/' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l base-url -d 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l out -d 'Where the site is written (default: DATA/site)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l layout -d 'How documents are stored: `dir` for filesystems, `keys` for object stores' -r -f -a "dir\t'For filesystems: the lists are stored as `…/releases/index.json` and `…/release/index.json`, and a server answers the bare path with that file'
keys\t'For object stores: every logical path is its own key, so `hello/releases` and `hello/releases/latest` are two objects'"
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l templates -d 'Folder of templates overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l assets -d 'Folder of site assets overriding the embedded ones (same file names)' -r -F
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l target -d 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l s3-endpoint -d 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l s3-access-key-id -d 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l s3-secret-access-key -d 'Secret access key for the store, with --s3-access-key-id' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l purge-url -d 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l purge-token -d 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN\'s API key)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l purge-command -d 'After each write, run this command with the changed paths, one per line, on stdin' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l index-remote -d 'After each commit, push the index to this git remote (retried; never loses a commit)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l max-zip-bytes -d 'Largest zip accepted, in bytes (64 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l max-entries -d 'Most entries a zip may hold' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l max-uncompressed-bytes -d 'Largest total uncompressed size of a zip\'s entries, in bytes (512 MiB)' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l max-ratio -d 'Highest compression ratio of an entry' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -l max-manifest-bytes -d 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes' -r
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -s q -l quiet -d 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed'
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from example" -s V -l version -d 'Print version'
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the configuration a command would run with, and where each value comes from (flag, environment, file and line, default); secrets are never printed'
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "example" -d 'Print a commented `shelf.toml` with every key at its default'
complete -c shelf -n "__fish_shelf_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "serve" -d 'Serve the registry (the static site) over HTTP'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "build" -d 'Regenerate the static site from the index and blobs'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "check" -d 'Verify that the index, the blobs and the site agree (after a crash, say); change nothing'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "gc" -d 'Delete the blobs nothing in the index names any more (after a grace period)'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "add" -d 'Check a package zip and publish it'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "yank" -d 'Yank a version (still downloadable, never latest), or un-yank it with --undo'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "delete" -d 'Delete a version, or a whole package; its numbers are never used again'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "publish" -d 'Pack a directory (or take a zip) and publish it to a registry over HTTP'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "login" -d 'Log in to a registry and store the token for `publish`'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "token" -d 'Create narrower, expiring tokens (for CI) on a registry'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "key" -d 'Create API keys for signed requests on a registry'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "user" -d 'Manage accounts of the local registry\'s database (offline)'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "watch" -d 'Watch the index (and templates/assets) and regenerate what changes outside the API'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "mirror" -d 'Copy a remote Shelf registry from its static files, and keep the copy current'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "completions" -d 'Print the completion script for a shell'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "man" -d 'Print the man page (or write every page with --out)'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "config" -d 'Show the effective configuration, or print a commented example file'
complete -c shelf -n "__fish_shelf_using_subcommand help; and not __fish_seen_subcommand_from serve build check gc add yank delete publish login token key user watch mirror completions man config help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c shelf -n "__fish_shelf_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "create" -d 'Create a token. Only the token is printed on stdout, so scripts can capture it (`SHELF_TOKEN=$(shelf token create …)`); the rest goes to stderr'
complete -c shelf -n "__fish_shelf_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "create" -d 'Create an API key. Prints `SHELF_API_KEY=…` and `SHELF_API_SECRET=…` on stdout, the variables `shelf publish` signs with; the secret is shown once'
complete -c shelf -n "__fish_shelf_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "add" -d 'Create an account. The password is read from the first line of stdin when stdin is not a terminal, otherwise prompted for twice'
complete -c shelf -n "__fish_shelf_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the configuration a command would run with, and where each value comes from (flag, environment, file and line, default); secrets are never printed'
complete -c shelf -n "__fish_shelf_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "example" -d 'Print a commented `shelf.toml` with every key at its default'
