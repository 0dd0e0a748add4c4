from infra.local.runner import main

# The guard matters: the functions' containers are spawned processes, which import this module.
if __name__ == "__main__":
    main()
