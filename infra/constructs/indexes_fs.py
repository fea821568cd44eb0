"""Optional EFS file system for FAISS indexes (context `enable_efs`): shared, mmap-able, no /tmp copy per container."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_efs as efs
from constructs import Construct

from infra.constructs.network import Network


class IndexFileSystem(Construct):
    """Encrypted EFS with one access point the search and builder functions mount at /mnt/indexes."""

    def __init__(self, scope: Construct, id: str, *, network: Network) -> None:
        super().__init__(scope, id)
        self.file_system = efs.FileSystem(
            self,
            "FileSystem",
            vpc=network.vpc,
            vpc_subnets=network.private_subnets,
            encrypted=True,
            performance_mode=efs.PerformanceMode.GENERAL_PURPOSE,
            throughput_mode=efs.ThroughputMode.ELASTIC,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.file_system.connections.allow_default_port_from(
            network.function_security_group, "FoodSave functions"
        )
        self.access_point = self.file_system.add_access_point(
            "Indexes",
            path="/indexes",
            create_acl=efs.Acl(owner_uid="1001", owner_gid="1001", permissions="750"),
            posix_user=efs.PosixUser(uid="1001", gid="1001"),
        )
