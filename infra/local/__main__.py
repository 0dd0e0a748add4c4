from infra.local.runner import main

main()
